// The HTTPServer target. See README "Architecture" for what it owns.
