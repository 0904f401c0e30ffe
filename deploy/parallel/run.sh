# run.sh — four shards at once on one machine (add --sshloginfile for ssh hosts), then the merge
parallel -j 4 councilsim run scenario.toml --replications "${REPLICATIONS:-10000000}" \
    --shard {}/4 --output part-{}.json --quiet ::: 0 1 2 3 \
  && councilsim merge part-*.json --out result.json
