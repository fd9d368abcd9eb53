import FuzzSupport

FuzzSupport.run(fuzzJSONRequest)
