// The Architectures target. See README "Architecture" for what it owns.
