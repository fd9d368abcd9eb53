import FuzzSupport

FuzzSupport.run(fuzzTokenizerJSON)
