import FuzzSupport

FuzzSupport.run(fuzzGzip)
