-- The lead archive: closed leads leave etcd and stay queryable here.

-- leads holds each archived lead once, keyed by its UID (names are reused, UIDs are
-- not). lead is the whole object as JSON (spec and status, managedFields dropped);
-- inbox the Interaction objects not yet folded into it. A forgotten lead (GDPR erasure)
-- keeps only its UID, namespace and forgotten_at: a tombstone that stops a late archive
-- write from bringing the data back.
CREATE TABLE followup.leads (
    uid              uuid PRIMARY KEY,
    namespace        text        NOT NULL,
    name             text,
    campaign         text        NOT NULL DEFAULT '',
    phase            text        NOT NULL DEFAULT '',
    submitted_at     timestamptz,
    closed_at        timestamptz,
    last_active_at   timestamptz,
    archived_at      timestamptz NOT NULL,
    resource_version text        NOT NULL DEFAULT '',
    writes           integer     NOT NULL DEFAULT 1,
    lead             jsonb,
    inbox            jsonb,
    forgotten_at     timestamptz,
    CHECK ((forgotten_at IS NULL) = (lead IS NOT NULL))
);

-- Campaign measures and the weekly report read the leads submitted in a window.
CREATE INDEX leads_by_campaign ON followup.leads (namespace, campaign, submitted_at) WHERE forgotten_at IS NULL;
CREATE INDEX leads_by_submission ON followup.leads (submitted_at) WHERE forgotten_at IS NULL;
-- kubectl followup history LEAD finds archived leads by name.
CREATE INDEX leads_by_name ON followup.leads (namespace, name) WHERE forgotten_at IS NULL;

-- contact_keys finds every lead of one customer: SHA-256 of the normalized email, phone
-- numbers and email domain (internal/contactkey), never the values themselves.
CREATE TABLE followup.contact_keys (
    kind   text  NOT NULL CHECK (kind IN ('email', 'phone', 'domain')),
    digest bytea NOT NULL CHECK (length(digest) = 32),
    uid    uuid  NOT NULL REFERENCES followup.leads (uid) ON DELETE CASCADE,
    PRIMARY KEY (kind, digest, uid)
);
CREATE INDEX contact_keys_by_uid ON followup.contact_keys (uid);

-- forget_audit is what remains of an erasure: when, who asked, how much was erased.
-- No contact data, no lead names, no keys.
CREATE TABLE followup.forget_audit (
    id             bigserial   PRIMARY KEY,
    requested_at   timestamptz NOT NULL,
    requested_by   text        NOT NULL,
    archived_leads integer     NOT NULL,
    live_leads     integer     NOT NULL,
    completed_at   timestamptz,
    interactions   integer     NOT NULL DEFAULT 0
);
