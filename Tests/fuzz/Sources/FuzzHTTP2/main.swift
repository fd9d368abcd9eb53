import FuzzSupport

FuzzSupport.run(fuzzHTTP2)
