// The Tensor target. See README "Architecture" for what it owns.
