#!/usr/bin/env bash
# Command-line tools rnakit uses beside its Python dependencies, from the system's package manager:
#   bowtie    — near-perfect off-target search in `rnakit sirna design` (rnakit's own index otherwise)
#   rnahybrid — the reference RNAhybrid binary, for the integration test and benchmark of `rnakit hybrid`
#   fastqc, trim-galore, hisat2, samtools, stringtie — the RNA-seq steps of `rnakit lncrna workflow`
#   chromium, chromium-driver — the headless browser of the end-to-end test of `rnakit serve`
# Installs what is missing when it can (root with apt-get: CI, containers); otherwise says what to
# install and goes on, since rnakit works without them and the tests that need them skip.
set -euo pipefail
missing=()
command -v bowtie >/dev/null && command -v bowtie-build >/dev/null || missing+=(bowtie)
command -v RNAhybrid >/dev/null || missing+=(rnahybrid)
command -v fastqc >/dev/null || missing+=(fastqc)
command -v trim_galore >/dev/null || missing+=(trim-galore)
command -v hisat2 >/dev/null && command -v hisat2-build >/dev/null || missing+=(hisat2)
command -v samtools >/dev/null || missing+=(samtools)
command -v stringtie >/dev/null || missing+=(stringtie)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/dev/null \
        || echo "could not install ${missing[*]} with apt-get; the tests that need them will skip" >&2
else
    echo "optional tools not installed: ${missing[*]} (Debian/Ubuntu: sudo apt-get install ${missing[*]})" >&2
fi
