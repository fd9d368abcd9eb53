import FuzzSupport

FuzzSupport.run(fuzzSafetensors)
