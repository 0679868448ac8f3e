set -e
PSQL="/usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p 54329 -U postgres -X -q -v ON_ERROR_STOP=1"
CP="/work/main/lode-core/target/test-classes:/work/main/lode-core/target/classes:$(cat /tmp/fx/cp.txt)"
run() { # script tz
  db=fx_$1
  $PSQL -c "drop database if exists $db" -c "create database $db"
  $PSQL -d $db -c "create publication lode_fix for all tables" \
    -c "select pg_create_logical_replication_slot('${db}_v1', 'wal2json')" \
    -c "select pg_create_logical_replication_slot('${db}_v2', 'wal2json')" \
    -c "select pg_create_logical_replication_slot('${db}_pgo', 'pgoutput')" >/dev/null
  $PSQL -d $db -f /tmp/fx/$1.sql >/dev/null
  URL="jdbc:postgresql://127.0.0.1:54329/$db"
  java -Duser.timezone=$2 -cp "$CP" dev.lode.core.decode.FixtureCapture $URL ${db}_v1 v1 /tmp/fx/out/v1_$1.tsv
  java -Duser.timezone=$2 -cp "$CP" dev.lode.core.decode.FixtureCapture $URL ${db}_v2 v2 /tmp/fx/out/v2_$1.tsv
  java -Duser.timezone=$2 -cp "$CP" dev.lode.core.decode.FixtureCapture $URL ${db}_pgo pgoutput:lode_fix /tmp/fx/out/pgo_$1.tsv
}
mkdir -p /tmp/fx/out
run s1 UTC
run s2 Asia/Kolkata
run s3 America/St_Johns
run s4 Europe/Berlin
run s5 Europe/Amsterdam
