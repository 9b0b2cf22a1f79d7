# source this: PostgreSQL for this worktree
export PG_TEST_URL=postgres://postgres@127.0.0.1:5432/wt_layers
