import FuzzSupport

FuzzSupport.run(fuzzUnigram)
