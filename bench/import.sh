#!/usr/bin/env bash
# Importing 5,000 dossiers with 10,000 children from CSV (the dry run, then the
# confirmed import), through the HTTP API of the release build.
# Usage: bench/import.sh [sqlite|postgres] (default: sqlite).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p api --bin espace-familles >/dev/null
BIN=$(pwd)/target/release/espace-familles
WORK=$(mktemp -d)
PORT=18092
BASE="http://127.0.0.1:$PORT/api/v1"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
case ${1:-sqlite} in
  sqlite) URL="sqlite://$WORK/bench.db" ;;
  postgres)
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ef_bench" -c "CREATE DATABASE ef_bench"
    URL="postgres://postgres@127.0.0.1:5432/ef_bench" ;;
esac

# One row per child: 5,000 families of two children, each with a guardian.
python3 - "$WORK/families.csv" <<'PY'
import sys
levels = ["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("numero_dossier;nom_dossier;courriel;adresse;code_postal;ville;telephone;"
            "responsable_prenom;responsable_nom;responsable_lien;"
            "enfant_prenom;enfant_naissance;enfant_niveau;enfant_ecole;enfant_regime\n")
    for n in range(1, 5001):
        name = f"FAMILLE{n:05d}"
        for k, first in enumerate(["Alix", "Sacha"]):
            year = 2015 + (n + k) % 8
            dossier = (f"{n};{name};famille{n}@exemple.fr;{n} rue de la République;94800;Villejuif;0145592000;"
                       f"Camille;{name};mère" if k == 0 else f"{n};;;;;;;;;")
            f.write(f"{dossier};{first};{year}-0{1 + k}-1{k};{levels[(n + k) % 8]};École {n % 12};standard\n")
PY
echo "CSV: $(($(wc -l < "$WORK/families.csv") - 1)) rows, $(du -k "$WORK/families.csv" | cut -f1) KiB"

DATABASE_URL="$URL" MAIL_DIR="$WORK/mail" STORAGE_DIR="$WORK/files" BIND_ADDR="127.0.0.1:$PORT" \
  SEED_DEMO=false BOOTSTRAP_ADMIN_PASSWORD='Bench-Admin-2026!' RUST_LOG=warn \
  "$BIN" > "$WORK/server.log" 2>&1 &
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d '{"login":"admin","password":"Bench-Admin-2026!"}' "$BASE/auth/login" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])')

start=$(date +%s.%N)
CHECK=$(curl -fsS -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' \
  --data-binary "@$WORK/families.csv" "$BASE/admin/dossier-imports?fileName=families.csv")
checked=$(date +%s.%N)
ID=$(echo "$CHECK" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
echo "dry run: $CHECK"
DONE=$(curl -fsS -X POST -H "Authorization: Bearer $TOKEN" "$BASE/admin/dossier-imports/$ID/confirm")
imported=$(date +%s.%N)
echo "import:  $DONE"
TOTAL=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/admin/dossiers?pageSize=1" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')
python3 -c "print(f'dry run {$checked - $start:.2f} s, confirmed import {$imported - $checked:.2f} s, total {$imported - $start:.2f} s; dossiers in the database: $TOTAL')"
