// The GuardService target. See README "Architecture" for what it owns.
