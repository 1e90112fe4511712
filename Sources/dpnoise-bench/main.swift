// dpnoise-bench: release-build benchmarks of the DP samplers and encoder (placeholder).
print("{}")
