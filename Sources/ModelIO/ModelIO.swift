// The ModelIO target. See README "Architecture" for what it owns.
