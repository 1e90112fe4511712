#!/usr/bin/env bash
# Regenerates Sources/SecAggTransport/Generated/secagg.{pb,grpc}.swift from Proto/secagg.proto.
#
# CI never runs this: the generated files are committed. Run it by hand after editing the .proto.
# Needs protoc (Debian: `apt-get install -y protobuf-compiler`, libprotoc 3.21) and the two Swift plugins,
# built from the same package versions Package.swift uses, in a scratch package OUTSIDE this repo:
#
#   mkdir -p /tmp/protogen/Sources/dummy && cd /tmp/protogen
#   # Package.swift depending on swift-protobuf from: "1.39.0" and grpc-swift-protobuf from: "2.4.0",
#   # with one dummy executable target; then:
#   swift build --product protoc-gen-swift
#   swift build --product protoc-gen-grpc-swift-2
#
# Then: PLUGIN_DIR=/tmp/protogen/.build/debug Scripts/generate-proto.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PLUGIN_DIR="${PLUGIN_DIR:-/tmp/protogen/.build/debug}"
SRC=Sources/SecAggTransport/Proto
OUT=Sources/SecAggTransport/Generated
mkdir -p "$OUT"
protoc \
  --plugin=protoc-gen-swift="$PLUGIN_DIR/protoc-gen-swift" \
  --plugin=protoc-gen-grpc-swift="$PLUGIN_DIR/protoc-gen-grpc-swift-2" \
  --proto_path="$SRC" \
  --swift_out="$OUT" --swift_opt=Visibility=Internal \
  --grpc-swift_out="$OUT" --grpc-swift_opt=Visibility=Internal,Client=true,Server=true \
  secagg.proto
echo "generated: $OUT/secagg.pb.swift $OUT/secagg.grpc.swift"
