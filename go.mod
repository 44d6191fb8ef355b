module github.com/sigc-dev/sigc

go 1.26.8

require (
	github.com/0xrawsec/golang-evtx v1.2.9 // indirect
	github.com/0xrawsec/golang-utils v1.3.0 // indirect
	github.com/alecthomas/kong v1.17.0 // indirect
	github.com/alecthomas/participle/v2 v2.1.4 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/sebdah/goldie/v2 v2.8.0 // indirect
	github.com/sergi/go-diff v1.0.0 // indirect
	github.com/valyala/fastjson v1.6.10 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
