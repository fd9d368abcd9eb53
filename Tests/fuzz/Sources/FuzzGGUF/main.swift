import FuzzSupport

FuzzSupport.run(fuzzGGUF)
