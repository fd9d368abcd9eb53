// The Tokenizers target. See README "Architecture" for what it owns.
