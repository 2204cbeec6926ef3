#!/usr/bin/env bash
# Reports Swift files that swift-format would change (swift-format ships with the toolchain).
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive Sources Tests Benchmarks/Sources Schemas/SchemaDirectory.swift
