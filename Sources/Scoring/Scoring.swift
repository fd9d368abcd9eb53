// The Scoring target. See README "Architecture" for what it owns.
