# Thin wrappers over the npm scripts, so CI and people use the same commands.
.PHONY: install build test bench run clean

install:
	npm ci

build:
	npm run build

test:
	npm test

bench:
	npm run bench

run:
	npm start

clean:
	rm -rf dist coverage
