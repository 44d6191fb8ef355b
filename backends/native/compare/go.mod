module github.com/sigc-dev/sigc/backends/native/compare

go 1.26.8

require (
	github.com/bradleyjkemp/sigma-go v0.6.6
	github.com/markuskont/go-sigma-rule-engine v0.3.0
	github.com/sigc-dev/sigc v0.0.0
)

require (
	github.com/0xrawsec/golang-evtx v1.2.9 // indirect
	github.com/0xrawsec/golang-utils v1.3.0 // indirect
	github.com/BobuSumisu/aho-corasick v1.0.3 // indirect
	github.com/PaesslerAG/gval v1.0.0 // indirect
	github.com/PaesslerAG/jsonpath v0.1.1 // indirect
	github.com/alecthomas/participle v0.7.1 // indirect
	github.com/alecthomas/participle/v2 v2.1.4 // indirect
	github.com/gobwas/glob v0.2.3 // indirect
	github.com/valyala/fastjson v1.6.10 // indirect
	gopkg.in/yaml.v2 v2.4.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace github.com/sigc-dev/sigc => ../../..
