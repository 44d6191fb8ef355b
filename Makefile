# sigc build and test entry points. `make test` is what CI runs.
GO        ?= go
PKGS      := ./...
FUZZTIME  ?= 10s
BENCHTIME ?= 1x

.PHONY: build test golden bench lint fuzz clean

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
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

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
