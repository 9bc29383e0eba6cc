#!/bin/bash
# Assembles the complete root filesystem of the runtime image (FROM scratch) in DEST:
# the binary (the VADER model is embedded in it), exactly the shared libraries `ldd`
# resolves for it plus the dynamic loader, /etc/passwd + /etc/group with the nonroot user
# 65532, Debian's CA bundle (/etc/ssl/certs/ca-certificates.crt: the trust anchors for
# --redis-tls, e.g. ElastiCache's Amazon roots), and dpkg metadata
# (distroless-style /var/lib/dpkg/status.d) so Trivy and Syft can still tell which Debian
# packages - and so which CVEs - the copied libraries and certificates come from.
#
# Used by the Dockerfile's build stage and, on a Debian 12 host, by
# scripts/container-smoke.sh (fast mode), so both images have the same layout.
#
#   stage-rootfs.sh BINARY DEST
#   env: SOURCE_DATE_EPOCH  clamp every mtime to it (reproducible layer)
#        STRIP=0            keep debug symbols (default: strip the binary copy)
set -euo pipefail

readonly RUNTIME_UID=65532
readonly BIN_PATH=/usr/local/bin/secure-ml-api

die() {
  echo "stage-rootfs: $*" >&2
  exit 1
}

[[ $# -eq 2 ]] || die "usage: stage-rootfs.sh BINARY DEST"
binary=$1
dest=$2
[[ -x $binary ]] || die "not an executable: $binary"

# Paths of the shared objects the loader maps at start-up, loader included. A library
# that does not resolve here would fail at run time in the image: refuse to stage.
shared_objects() {
  local out
  out=$(ldd "$binary" 2>&1) || {
    [[ $out == *"not a dynamic executable"* ]] && return 0
    die "ldd failed: $out"
  }
  if grep -q 'not found' <<<"$out"; then
    die "unresolved libraries: $(grep 'not found' <<<"$out" | tr '\n' ' ')"
  fi
  awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$out" | sort -u
}

# The dynamic loader named in the binary's PT_INTERP header (empty for static binaries).
interpreter() {
  readelf -l "$binary" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p'
}

# The Debian package (name:arch) that installed PATH; merged /usr means dpkg may know
# the file under either spelling of its directory.
owning_package() {
  local path=$1 candidate pkg
  for candidate in "$path" "$(readlink -f "$path")" "/usr$path" "${path#/usr}"; do
    pkg=$(dpkg-query -S "$candidate" 2>/dev/null | head -n1 | sed 's/: .*//') || true
    if [[ -n $pkg && $pkg != *,* ]]; then
      echo "$pkg"
      return 0
    fi
  done
  return 1
}

write_identity_files() {
  install -d -m 0755 "$dest/etc"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%s:%s:nonroot:/home/nonroot:/sbin/nologin\n' \
    "$RUNTIME_UID" "$RUNTIME_UID" >"$dest/etc/passwd"
  printf 'root:x:0:\nnonroot:x:%s:\n' "$RUNTIME_UID" >"$dest/etc/group"
  # glibc >= 2.34 has files+dns built in; this only makes the lookup order explicit.
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$dest/etc/nsswitch.conf"
  chmod 0444 "$dest/etc/passwd" "$dest/etc/group" "$dest/etc/nsswitch.conf"
  # Lets scanners identify the distribution the libraries were taken from.
  if [[ -r /etc/os-release ]]; then
    cp -L /etc/os-release "$dest/etc/os-release"
    chmod 0444 "$dest/etc/os-release"
  fi
}

# The CA bundle update-ca-certificates built from the ca-certificates package (installed in
# the build stage; present on a Debian host): root-owned (the image build stores it as
# root), read-only. The service reads it only when told to (--redis-tls-ca-file): OpenSSL's
# default paths (/usr/lib/ssl) do not exist in the image.
readonly CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
stage_ca_bundle() {
  [[ -s $CA_BUNDLE ]] || die "no CA bundle at $CA_BUNDLE (apt-get install ca-certificates)"
  install -d -m 0755 "$dest${CA_BUNDLE%/*}"
  install -m 0444 "$CA_BUNDLE" "$dest$CA_BUNDLE"
  install -d -m 0755 "$dest/var/lib/dpkg/status.d"
  dpkg-query -s ca-certificates >"$dest/var/lib/dpkg/status.d/ca-certificates"
  chmod 0444 "$dest/var/lib/dpkg/status.d/ca-certificates"
}

stage_binary() {
  install -d -m 0755 "$dest${BIN_PATH%/*}"
  install -m 0555 "$binary" "$dest$BIN_PATH"
  if [[ ${STRIP:-1} != 0 ]] && command -v strip >/dev/null; then
    strip --strip-unneeded "$dest$BIN_PATH"
  fi
}

stage_libraries() {
  local lib pkg
  local -A packages=()
  while IFS= read -r lib; do
    # --parents keeps the exact path the loader asked for; -L stores the file, not the link.
    cp --parents -L "$lib" "$dest/"
    # The kernel execs the loader (PT_INTERP): it needs the x bit, libraries do not.
    if [[ $lib == "$(interpreter)" ]]; then chmod 0555 "$dest$lib"; else chmod 0444 "$dest$lib"; fi
    if pkg=$(owning_package "$lib"); then
      packages[$pkg]=1
    else
      echo "stage-rootfs: warning: no Debian package owns $lib (not visible to scanners)" >&2
    fi
  done < <(shared_objects)
  [[ ${#packages[@]} -eq 0 ]] && return 0
  install -d -m 0755 "$dest/var/lib/dpkg/status.d"
  for pkg in "${!packages[@]}"; do
    dpkg-query -s "$pkg" >"$dest/var/lib/dpkg/status.d/${pkg%%:*}"
    chmod 0444 "$dest/var/lib/dpkg/status.d/${pkg%%:*}"
  done
}

clamp_timestamps() {
  [[ -n ${SOURCE_DATE_EPOCH:-} ]] || return 0
  find "$dest" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

rm -rf "$dest"
install -d -m 0755 "$dest"
write_identity_files
stage_binary
stage_libraries
stage_ca_bundle
clamp_timestamps
echo "stage-rootfs: staged $(find "$dest" -type f | wc -l) files, $(du -sk "$dest" | cut -f1) KiB in $dest"
