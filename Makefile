# sigc build and test entry points. `make test` is what CI runs.
GO        ?= go
PKGS      := ./...
FUZZTIME  ?= 10s
BENCHTIME ?= 1x

# PGO is the CPU profile every build of the sigc command uses (go build
# picks up cmd/sigc/default.pgo); benchmarks are built with it too, so they
# time the code the command runs.
PGO       := $(CURDIR)/cmd/sigc/default.pgo

.PHONY: build test golden bench pgo lint fuzz clean

build:
	$(GO) build -o bin/sigc ./cmd/sigc

# Unit, golden and corpus tests with the race detector, then the
# matcher's allocation test, which only means something without it.
test: lint
	$(GO) test -race -count=1 $(PKGS)
	$(GO) test -count=1 -run '^TestMatchAllocationFree$$' ./backends/native

# Regenerate golden files; read every diff before committing.
golden:
	$(GO) test ./golden/... -update

bench:
	$(GO) test -pgo=$(PGO) -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

# Regenerate the PGO profile from the command's hot job, matching:
# pre-decoded events, and JSON Lines on one and on all cores. (A profile
# that also held converting the corpus gave matching half the gain, and
# conversion is a small part of the command's time.) Rerun after large
# changes to hot code.
pgo:
	@tmp=$$(mktemp -d); \
	$(GO) test -pgo=off -run '^$$' -bench 'BenchmarkRuleSet$$|BenchmarkJSONLines|BenchmarkMatchStream' -benchtime 3s \
	  -o $$tmp/native.test -cpuprofile $(PGO) ./backends/native; \
	status=$$?; rm -rf $$tmp; exit $$status

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# Run every fuzz target for FUZZTIME each.
fuzz:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

clean:
	rm -rf bin
