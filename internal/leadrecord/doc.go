// Package leadrecord is the one way an event reaches a lead: CreateInteraction makes one
// Interaction object per event (the lead's inbox), which the lead controller folds into
// the lead's status.interactions and then deletes. The inbound edge and `kubectl
// followup record` both call it, so an event is stored the same way whoever reports it.
//
// Why objects and not an update of the lead: concurrent events for one lead never
// contend for the lead object (no read-modify-write, no conflict retries, no lock), and
// nothing is refused for lack of room in the lead. Why deterministic names: a retried
// event is an AlreadyExists no-op, across processes and replicas, without a lookup.
package leadrecord
