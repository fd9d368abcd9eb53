import FuzzSupport

FuzzSupport.run(fuzzBPE)
