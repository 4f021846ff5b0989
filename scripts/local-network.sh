#!/usr/bin/env bash
# The README's walkthrough as one script: an axis, a dedicated node (000.00.00.G22) and a shared
# node (000.00.00.H41, 000.00.00.H57) on this machine's PostgreSQL and RabbitMQ, onboarded through
# the APIs, then a document sent with curl from G22 to H41 and answered with status 03.
#   scripts/local-network.sh          run it and leave the processes running (Ctrl-C stops them)
#   scripts/local-network.sh --check  run it, check each step, stop everything (used by .ci/run)
# Needs: npm run build, psql, curl; PostgreSQL on 127.0.0.1:5432 and RabbitMQ on 127.0.0.1:5672.
set -euo pipefail
cd "$(dirname "$0")/.."
CHECK=${1:-}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
export AMQP_URL=${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}
export BUS_PREFIX=${BUS_PREFIX:-demo$RANDOM}
DATA=$(mktemp -d /tmp/lienthong-network-XXXX)
OPERATOR_TOKEN=operator-token-change-me-0123456789
ADMIN_TOKEN=node-admin-token-change-me-0123456789
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(process.argv[1].split(".").reduce((o,k)=>o[k],v))})' "$1"; }
wait_ready() { for _ in $(seq 1 100); do curl -sf "$1/health/ready" >/dev/null && return 0; sleep 0.2; done; echo "$1 did not become ready" >&2; return 1; }
pids=()
# Each process runs in its own process group (setsid), so stopping npm stops the node under it too.
cleanup() { for pid in "${pids[@]}"; do kill -- -"$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; for db in axis vpcp shared; do psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS lt_${BUS_PREFIX}_$db WITH (FORCE)" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT
for db in axis vpcp shared; do psql "$PG/postgres" -qc "CREATE DATABASE lt_${BUS_PREFIX}_$db" >/dev/null; done

# 1. The axis: directory, CA, topology, tracking.
DATABASE_URL=$PG/lt_${BUS_PREFIX}_axis PORT=3000 AXIS_OPERATOR_TOKEN=$OPERATOR_TOKEN \
  AXIS_DATA_DIR=$DATA/axis AXIS_CA_PASSPHRASE=axis-ca-passphrase-change-me \
  setsid npm run -s start:axis >"$DATA/axis.log" 2>&1 & pids+=($!)
# 2. A dedicated node and a shared node.
NODE_COMMON="AXIS_URL=http://127.0.0.1:3000 NODE_ADMIN_TOKEN=$ADMIN_TOKEN NODE_KEY_PASSPHRASE=node-key-passphrase-change-me"
setsid env $NODE_COMMON DATABASE_URL=$PG/lt_${BUS_PREFIX}_vpcp PORT=3101 NODE_MODE=dedicated NODE_ID=node-vpcp \
  npm run -s start:node >"$DATA/node-vpcp.log" 2>&1 & pids+=($!)
setsid env $NODE_COMMON DATABASE_URL=$PG/lt_${BUS_PREFIX}_shared PORT=3102 NODE_MODE=shared NODE_ID=node-shared \
  npm run -s start:node >"$DATA/node-shared.log" 2>&1 & pids+=($!)
wait_ready http://127.0.0.1:3000; wait_ready http://127.0.0.1:3101; wait_ready http://127.0.0.1:3102

# 3. Onboarding: register at the axis (one-time token), host at the node, give the software a key.
onboard() { # code name node-port -> prints the API key
  local token key
  token=$(curl -sSf -X POST http://127.0.0.1:3000/api/v1/agencies -H "authorization: Bearer $OPERATOR_TOKEN" \
    -H 'content-type: application/json' -d "{\"code\":\"$1\",\"name\":\"$2\"}" | json enrollmentToken)
  curl -sSf -X POST "http://127.0.0.1:$3/api/v1/admin/agencies" -H "authorization: Bearer $ADMIN_TOKEN" \
    -H 'content-type: application/json' -d "{\"code\":\"$1\",\"enrollmentToken\":\"$token\"}" >/dev/null
  key=$(curl -sf -X POST "http://127.0.0.1:$3/api/v1/admin/api-keys" -H "authorization: Bearer $ADMIN_TOKEN" \
    -H 'content-type: application/json' -d "{\"name\":\"software of $1\",\"agencies\":[\"$1\"]}" | json key)
  echo "$key"
}
KEY_G22=$(onboard 000.00.00.G22 "Văn phòng Chính phủ" 3101)
KEY_H41=$(onboard 000.00.00.H41 "UBND tỉnh Nghệ An" 3102)
KEY_H57=$(onboard 000.00.00.H57 "UBND tỉnh Thừa Thiên Huế" 3102)

# 4. G22's software sends a document with an attachment (JSON metadata + files).
ID=$(curl -sS -X POST http://127.0.0.1:3101/api/v1/documents -H "x-api-key: $KEY_G22" \
  -F metadata=@docs/examples/document.json -F files=@docs/examples/ke-hoach.txt | tee "$DATA/submit.json" | json id)
[ -n "$ID" ] && [ "$ID" != undefined ] || { echo "submit failed: $(cat "$DATA/submit.json")" >&2; exit 1; }
echo "sent document $ID"

# 5. H41's software finds it in its inbox, takes it, and answers 03 (accepted).
for _ in $(seq 1 100); do
  ITEM=$(curl -sf http://127.0.0.1:3102/api/v1/inbox -H "x-api-key: $KEY_H41" | json 0.id 2>/dev/null) && break; sleep 0.1
done
curl -sf http://127.0.0.1:3102/api/v1/inbox/$ITEM/attachments/0 -H "x-api-key: $KEY_H41" -o "$DATA/received.txt"
curl -sf -X POST http://127.0.0.1:3102/api/v1/inbox/$ITEM/taken -H "x-api-key: $KEY_H41" >/dev/null
curl -sf -X POST http://127.0.0.1:3102/api/v1/inbox/$ITEM/statuses -H "x-api-key: $KEY_H41" \
  -H 'content-type: application/json' -d '{"statusCode":"03","description":"Đã tiếp nhận"}' >/dev/null

# 6. G22 sees 01 (arrived, automatic) and 03 on its timeline; the operator sees it at the axis.
for _ in $(seq 1 100); do
  LAST=$(curl -sf http://127.0.0.1:3101/api/v1/documents/sent/$ID -H "x-api-key: $KEY_G22" | json deliveries.0.lastStatusCode)
  [ "$LAST" = "03" ] && break; sleep 0.1
done
AXIS_STATE=$(curl -sf http://127.0.0.1:3000/api/v1/documents/$ID/timeline -H "authorization: Bearer $OPERATOR_TOKEN" | json deliveries.0.state)
echo "sender sees status $LAST; the axis says: $AXIS_STATE"

if [ "$CHECK" = "--check" ]; then
  cmp -s "$DATA/received.txt" docs/examples/ke-hoach.txt || { echo "attachment differs" >&2; exit 1; }
  [ "$LAST" = "03" ] || { echo "status 03 did not reach the sender" >&2; exit 1; }
  # H57 shares H41's node but must not see H41's document.
  CODE=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:3102/api/v1/inbox/$ITEM -H "x-api-key: $KEY_H57")
  [ "$CODE" = "404" ] || { echo "H57 could read H41's document ($CODE)" >&2; exit 1; }
  echo "local network check passed"
  exit 0
fi
cat <<INFO
Running (Ctrl-C stops everything). Logs in $DATA.
  axis         http://127.0.0.1:3000/docs   operator token: $OPERATOR_TOKEN
  node-vpcp    http://127.0.0.1:3101/docs   000.00.00.G22 key: $KEY_G22
  node-shared  http://127.0.0.1:3102/docs   000.00.00.H41 key: $KEY_H41   000.00.00.H57 key: $KEY_H57
INFO
wait
