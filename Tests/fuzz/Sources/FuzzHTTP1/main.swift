import FuzzSupport

FuzzSupport.run(fuzzHTTP1)
