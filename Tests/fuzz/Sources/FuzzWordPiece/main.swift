import FuzzSupport

FuzzSupport.run(fuzzWordPiece)
