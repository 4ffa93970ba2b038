# a pvbatch script for spec tests; never run
print("hello")
