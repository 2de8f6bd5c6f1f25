#!/usr/bin/env bash
# `make dev`: a local control plane (real kube-apiserver + etcd from bin/k8s) with the
# CRDs, the operator running against it, and the samples applied. Watches the leads
# until Ctrl-C (or for DEV_SECONDS seconds when set), then stops everything.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dev=bin/dev
kubeconfig="$root/$dev/kubeconfig"
mkdir -p "$dev"
rm -f "$kubeconfig"
: >"$dev/edge.log" # this run's requests only

go build -o bin/devcluster ./hack/devcluster
go build -o bin/devreceiver ./hack/devreceiver
go build -o bin/manager .

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
# Ctrl-C or SIGTERM ends the demo: a stop, not a failure (no make error).
trap 'echo; echo "stopping the operator and the control plane"; cleanup; exit 0' INT TERM

bin/devcluster --write-kubeconfig "$kubeconfig" >"$dev/devcluster.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  [[ -f "$kubeconfig" ]] && break
  if ! kill -0 "${pids[0]}" 2>/dev/null; then cat "$dev/devcluster.log" >&2; exit 1; fi
  sleep 0.5
done
[[ -f "$kubeconfig" ]] || { echo "control plane did not start; see $dev/devcluster.log" >&2; exit 1; }
export KUBECONFIG="$kubeconfig"

# The outside world of the demo: receives the webhook touches and chat notices on loopback.
bin/devreceiver --listen 127.0.0.1:18090 >"$dev/receiver.log" 2>&1 &
pids+=($!)

# The inbound edge's secrets, as a mounted Secret would hold them.
mkdir -p "$dev/edge"
echo dev-token >"$dev/edge/intake-token"
echo dev-google-key >"$dev/edge/google-key"
echo dev-verify >"$dev/edge/whatsapp-verify-token"
echo dev-app-secret >"$dev/edge/whatsapp-app-secret"
# Signs the reps' action links in task and notice messages (docs/inbound.md).
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dev/edge/action-link-key"
# Verifies the shop's signed order webhook.
echo dev-order-secret >"$dev/edge/order-webhook-secret"
edge="http://${EDGE_ADDR:-127.0.0.1:18082}"

bin/manager --leader-elect=false \
  --edge-bind-address="${EDGE_ADDR:-127.0.0.1:18082}" --edge-config-dir="$dev/edge" --edge-public-url="$edge" \
  --metrics-bind-address="${METRICS_ADDR:-127.0.0.1:18080}" \
  --health-probe-bind-address="${PROBE_ADDR:-127.0.0.1:18081}" \
  "${OPERATOR_ARGS[@]:-}" >"$dev/operator.log" 2>&1 &
pids+=($!)

kubectl apply -k config/samples
kubectl apply -f config/demo/demo.yaml

# The customers of the demo act through the operator's inbound edge, as a CRM or the
# WhatsApp webhook would: delta-hot asks for a quote at 12s (quality 3, handed to a human),
# gamma-replies asks a question at 24s (quality 2, cadence stops), and a new lead arrives
# from a web form at 8s.
post() {
  sleep "$1"
  curl -sS -o /dev/null -w "edge: POST $2 -> %{http_code}\n" -X POST "$edge$2" \
    -H "Authorization: Bearer dev-token" -H "Content-Type: application/json" -d "$3" >>"$dev/edge.log" 2>&1 || true
}
lead_path=/v1/namespaces/followup-demo/leads
# A Google Ads lead form submission as Google documents it, for the demo campaign (id 1000).
google_lead='{"lead_id":"demo-lead-1","api_version":"1.0","form_id":1,"campaign_id":1000,"gcl_id":"demo-gclid","google_key":"dev-google-key","is_test":false,"user_column_data":[{"column_id":"FULL_NAME","string_value":"Gil Google"},{"column_id":"EMAIL","string_value":"gil@example.com"},{"column_id":"COMPANY_NAME","string_value":"Gil Tools"},{"column_id":"COUNTRY","string_value":"Portugal"}]}'
post 8 "$lead_path" '{"externalId":"web-1001","campaign":"demo-campaign","keyword":"fiber laser","tier":"high","product":"fiber laser","contact":{"name":"Eve Web","email":"eve@example.com","timeZone":"Europe/Madrid"}}' &
pids+=($!)
post 12 "$lead_path/delta-hot/interactions" '{"id":"crm-1","kind":"reply","medium":"email","text":"Please send a quote for two machines"}' &
pids+=($!)
post 30 /v1/namespaces/followup-demo/google-ads "$google_lead" &
pids+=($!)
post 24 "$lead_path/gamma-replies/interactions" '{"id":"wa-1","kind":"reply","medium":"whatsapp","text":"What is the lead time?"}' &
pids+=($!)

# delta-hot's owner hears of the hand-off in the demo chat, with action buttons; the rep
# opens "Meeting booked" (a confirmation page: a link preview records nothing) and
# presses its button (the POST records MeetingBooked through the edge).
click() {
  for _ in $(seq 1 120); do
    url=$(grep -o '"Meeting booked" http[^ ]*lead=delta-hot[^ ]*' "$dev/receiver.log" 2>/dev/null | head -1 | cut -d' ' -f3 || true)
    if [[ -n "$url" ]]; then
      curl -sS -o /dev/null -w "rep: GET Meeting booked link for delta-hot -> %{http_code} (confirmation page)\n" "$url" >>"$dev/edge.log" 2>&1
      curl -sS -o /dev/null -w "rep: POST Meeting booked for delta-hot -> %{http_code}\n" -X POST "$url" >>"$dev/edge.log" 2>&1
      curl -sS -o /dev/null -w "rep: POST it again -> %{http_code} (already recorded)\n" -X POST "$url" >>"$dev/edge.log" 2>&1
      won
      return
    fi
    sleep 1
  done
}

# Then the rep closes the deal ("Won" in the same notice) and the shop's ERP posts the
# order's shipment and delivery to the signed order webhook: delta-hot's after-sales
# cadence sends the confirmation, the shipping note and, 10 s after delivery, the
# feedback request (bin/dev/receiver.log).
won() {
  url=$(grep -o '"Won" http[^ ]*lead=delta-hot[^ ]*' "$dev/receiver.log" 2>/dev/null | head -1 | cut -d' ' -f2 || true)
  [[ -n "$url" ]] || return 0
  sleep 3
  curl -sS -o /dev/null -w "rep: POST Won for delta-hot -> %{http_code}\n" -X POST "$url" >>"$dev/edge.log" 2>&1
  sleep 3
  order shipped '"carrier":"DHL","tracking":"00340434161094042557",'
  sleep 3
  order delivered ''
}
order() {
  local body="{\"id\":\"erp-$1\",\"kind\":\"$1\",\"order\":{$2\"id\":\"SO-1001\"},\"lead\":{\"name\":\"delta-hot\"}}"
  local sig
  sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac dev-order-secret -hex | sed 's/^.* //')
  curl -sS -o /dev/null -w "erp: POST order $1 -> %{http_code}\n" -X POST "$edge/v1/namespaces/followup-demo/orders" \
    -H 'Content-Type: application/json' -H "X-Followup-Signature: sha256=$sig" --data-binary "$body" >>"$dev/edge.log" 2>&1
}
click &
pids+=($!)

cat <<MSG

The operator is running against a local control plane (logs: $dev/operator.log).
Touches really go out: a loopback receiver prints each delivery ($dev/receiver.log).
Replies and a new web lead come in through the inbound edge at $edge (token dev-token).
The hand-off notice in the demo chat carries action buttons; the demo clicks delta-hot's
"Meeting booked" and then "Won" like a rep would, and posts the order's shipment and
delivery as a shop would ($dev/edge.log): delta-hot's after-sales cadence follows.
In another terminal:

  export KUBECONFIG=$kubeconfig
  kubectl get followup -n followup-demo       # every kind at a glance
  kubectl describe lead acme-high -n followup-demo
  kubectl get events -n followup-demo
  kubectl get channels -n followup-demo        # sends and failures per channel
  tail -f $dev/receiver.log                    # what the customers and reps received

Try the inbound edge yourself (docs/inbound.md):

  # a Google Ads lead form webhook (a lead arrives for demo-campaign, named after its company)
  curl -X POST $edge/v1/namespaces/followup-demo/google-ads -H 'Content-Type: application/json' \\
    -d '{"lead_id":"try-1","campaign_id":1000,"google_key":"dev-google-key","user_column_data":[{"column_id":"COMPANY_NAME","string_value":"Try Co"},{"column_id":"EMAIL","string_value":"try@example.com"}]}'
  # the WhatsApp Cloud API subscription handshake (Meta calls this when you save the webhook URL)
  curl "$edge/v1/whatsapp?hub.mode=subscribe&hub.verify_token=dev-verify&hub.challenge=42"

The demo policy works in seconds: within about 90 s the leads below are touched,
meet or breach their first-response SLA, reply, are handed to a human, go dormant,
are reactivated once and end dormant. config/samples (namespace sales-eu) runs at
real business-hours pace alongside; its channels need Secrets (SMTP, WhatsApp, webhook
URLs) that the demo does not have, so they show Ready=False SecretNotFound and its leads
wait, which is what a new namespace looks like before ops add credentials.

MSG

echo "Watching leads (Ctrl-C stops the operator and the control plane):"
# The watch runs in the background and the script waits for it, so a signal reaches the
# trap at once.
if [[ -n "${DEV_SECONDS:-}" ]]; then
  timeout "$DEV_SECONDS" kubectl get leads -n followup-demo -w &
else
  kubectl get leads -n followup-demo -w &
fi
pids+=($!)
wait "$!" || true
