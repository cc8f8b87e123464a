#!/usr/bin/env bash
# Installs the Debian packages the project needs (LibreOffice and its Python bridge, CJK fonts,
# poppler), when root.
# Without root it checks, and prints the exact command to run if anything is missing.
# Then it installs the fangsong face FandolFang (see install_fandol_fang below).
set -euo pipefail

packages=(libreoffice-writer-nogui libreoffice-calc-nogui python3-uno fonts-noto-cjk fonts-noto-cjk-extra fonts-arphic-ukai fonts-liberation2 poppler-utils fontconfig libzbar0 chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  # Another set-up (a second checkout, an unattended upgrade) may hold the dpkg lock: wait for it.
  wait_lock=(-o DPkg::Lock::Timeout=900)
  if [ "$(id -u)" -ne 0 ]; then
    echo "These Debian packages are missing: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get update && sudo $cmd" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get "${wait_lock[@]}" update -qq
  apt-get "${wait_lock[@]}" install -y --no-install-recommends "${missing[@]}" -qq >/dev/null
fi

# 仿宋 / 仿宋_GB2312, the GB/T 9704 body face, needs a real fangsong face with Simplified forms.
# Debian has one only inside texlive-lang-chinese (FandolFang, GPL with the font exception), and
# installing that package would pull in all of TeX Live: so fetch the .deb (apt-get download
# needs no root) and take the one font file out of it. Root installs it for every user, anyone
# else for themselves; fontconfig's default configuration scans both folders.
fandol_deb=texlive-lang-chinese
fandol_otf=./usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf

install_fandol_fang() {
  if [ -n "$(fc-list FandolFang)" ]; then
    return 0
  fi
  local dest
  if [ "$(id -u)" -eq 0 ]; then
    dest=/usr/local/share/fonts/fandol
  else
    dest="${XDG_DATA_HOME:-$HOME/.local/share}/fonts/fandol"
  fi
  local work
  work=$(mktemp -d)
  # shellcheck disable=SC2064  # expand $work now: it is local and gone when the trap runs
  trap "rm -rf '$work'" EXIT
  # apt drops root to _apt for downloads; let it write here instead of warning and going unsandboxed.
  if [ "$(id -u)" -eq 0 ] && getent passwd _apt >/dev/null; then
    chown _apt "$work"
  fi
  echo "Installing the fangsong face FandolFang (from Debian's $fandol_deb) into $dest"
  if ! (cd "$work" && apt-get download -qq "$fandol_deb" >/dev/null 2>"$work/apt.log"); then
    # A fresh machine may have no package lists yet; root can fetch them and try again.
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq
      (cd "$work" && apt-get download -qq "$fandol_deb" >/dev/null 2>"$work/apt.log") || true
    fi
  fi
  local deb
  deb=$(find "$work" -maxdepth 1 -name "${fandol_deb}_*.deb" | head -n 1)
  if [ -z "$deb" ]; then
    cat "$work/apt.log" >&2 || true
    echo "Could not download the Debian package $fandol_deb, which carries the fangsong face FandolFang." >&2
    echo "Documents in 仿宋 would print in a song face. Try: apt-get update && apt-get download $fandol_deb" >&2
    exit 1
  fi
  mkdir -p "$work/x"
  if ! dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/x" "$fandol_otf"; then
    echo "$deb has no $fandol_otf; the package's layout changed, fix scripts/system-deps.sh." >&2
    exit 1
  fi
  mkdir -p "$dest"
  install -m 0644 "$work/x/$fandol_otf" "$dest/FandolFang-Regular.otf"
  fc-cache -f "$dest"
  rm -rf "$work"
  trap - EXIT
  if [ -z "$(fc-list FandolFang)" ]; then
    echo "FandolFang was copied to $dest, but fontconfig does not list it; is that folder in its <dir> list?" >&2
    exit 1
  fi
}

install_fandol_fang
