# submit-run.sh — the array, then a merge that runs only if every shard succeeded
mkdir -p parts
jobid=$(sbatch --parsable run.sbatch)
sbatch --dependency=afterok:"$jobid" --wrap "councilsim merge parts/run-*.json --out result.json"
