# submit-sweep.sh — the array, then a merge that runs only if every shard succeeded
jobid=$(sbatch --parsable sweep.sbatch)
sbatch --dependency=afterok:"$jobid" --wrap "councilsim merge parts/part-*.json --out results --plot"
