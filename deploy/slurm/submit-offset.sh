# submit-offset.sh — SHARDS shards in arrays of PER_ARRAY tasks (each below MaxArraySize),
# then one merge that runs only if every task of every array succeeded
shards=${SHARDS:-3000} per_array=${PER_ARRAY:-1000} jobs=""
mkdir -p parts
for ((offset = 0; offset < shards; offset += per_array)); do
    last=$((shards - offset < per_array ? shards - offset - 1 : per_array - 1))
    jobs="$jobs:$(sbatch --parsable --array=0-$last --export=ALL,OFFSET=$offset,SHARDS=$shards run-offset.sbatch)"
done
sbatch --dependency=afterok"$jobs" --wrap "councilsim merge parts/run-*.json --out result.json"
