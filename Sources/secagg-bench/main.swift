// secagg-bench: release-build benchmarks (placeholder).
print("{}")
