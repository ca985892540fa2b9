#!/usr/bin/env bash
# Builds the JMH uber-jar and runs the suite (or the benchmarks matching the given regexes),
# writing JMH's JSON results to jmh/target/results-<UTC timestamp>.json.
#
#   jmh/run.sh                                  # whole suite, short settings (about 8 minutes)
#   jmh/run.sh 'RawLogAppend|ChronicleQueue'    # a subset, by JMH regex
#   JMH_OPTS='-f 3 -wi 5 -i 10' jmh/run.sh      # longer, steadier runs
#   SKIP_BUILD=1 jmh/run.sh IndexLookup         # reuse the jar already built
#   FJORD_JMH_DIR=/mnt/nvme/tmp jmh/run.sh      # put benchmark data on the disk under test
#
# Fjord's benchmarks need no JVM flags; ChronicleQueueAppendBenchmark adds its own through
# @Fork(jvmArgsAppend), so never pass -jvmArgsAppend here: it would replace them (use -jvmArgsPrepend).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"

if [[ -z "${SKIP_BUILD:-}" ]]; then
    (cd "$here" && mvn -q -B install -DskipTests)
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="$here/target/results-$stamp.json"
read -r -a opts <<< "${JMH_OPTS:--f 1 -wi 2 -w 2s -i 3 -r 3s}"
jvm_opts=()
if [[ -n "${FJORD_JMH_DIR:-}" ]]; then
    jvm_opts+=("-jvmArgsPrepend" "-Dfjord.jmh.dir=$FJORD_JMH_DIR")
fi

cd "$root"
java -jar "$jar" "${opts[@]}" "${jvm_opts[@]}" -rf json -rff "$results" "$@"
echo "JMH results: $results"
