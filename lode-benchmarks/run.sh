#!/bin/sh
# Builds lode and its benchmarks, then runs the whole comparison (docs/benchmarks.md).
#   lode-benchmarks/run.sh            full run: 3 repetitions, latency, memory, JMH (about 20-25 min)
#   lode-benchmarks/run.sh --quick    smoke test: 1 repetition of workloads 1/10 the size (about 3 min)
# Any other option is passed on to `java -jar lode-benchmarks.jar all` (see dev.lode.bench.Bench).
set -e
cd "$(dirname "$0")/.."
./mvnw -q -Pbench -pl lode-benchmarks -am package -DskipTests
exec java -jar lode-benchmarks/target/lode-benchmarks.jar all "$@"
