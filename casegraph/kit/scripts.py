"""The kit's install scripts, as the machine that runs them reads them.

``install.sh`` (Linux, LF, UTF-8), ``install.ps1`` (Windows PowerShell 5.1:
UTF-8 *with* a BOM, CRLF, or it reads the file in the ANSI code page) and
``install.bat`` (ASCII, CRLF: cmd.exe reads a batch file in the console's
code page, GBK on a Chinese Windows), which runs ``install.ps1`` for a person
who double-clicks. Each one:

1. finds CPython 3.11–3.13 (``PYTHON``/``-Python`` to choose one);
2. makes a virtual environment (``~/casegraph``, ``%LOCALAPPDATA%\\casegraph\\venv``);
3. installs the kit's wheels with no index, each checked against its
   SHA-256 in the lock of that Python version;
4. puts the prebuilt Neo4j into casegraph's cache (``casegraph.kit.install``);
5. runs ``casegraph demo`` as the check, and says whether Java 17+ is there.

Exit codes: 0 installed and checked, 1 a step failed (its output above says
which), 2 no suitable Python, or none this kit has wheels for.

>>> text = install_sh("0.1.0", ("3.11", "3.12"))
>>> "--require-hashes" in text and "\\r" not in text
True
>>> install_bat().isascii() and "\\r\\n" in install_bat()
True
"""
from __future__ import annotations

_SH = r"""#!/bin/sh
# casegraph @VERSION@ 离线安装 (Linux x86_64): 虚拟环境、本包的 wheel、本包的 Neo4j、再运行 casegraph demo 检查。
# 用法: sh install.sh [安装目录]        默认 ~/casegraph;  PYTHON=python3.12 sh install.sh 指定 Python
# 退出码: 0 安装并检查完毕; 1 某一步失败 (见上面的输出); 2 没有合适的 Python (@PYTHONS@)
set -eu
KIT=$(cd "$(dirname "$0")" && pwd)
VENV=${1:-"$HOME/casegraph"}
PY=${PYTHON:-}
ok='import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)'
if [ -z "$PY" ]; then
    for c in python3.13 python3.12 python3.11 python3; do
        if command -v "$c" >/dev/null 2>&1 && "$c" -c "$ok" 2>/dev/null; then PY=$c; break; fi
    done
fi
if [ -z "$PY" ] || ! "$PY" -c "$ok" 2>/dev/null; then
    echo "casegraph 安装: 需要 Python 3.11、3.12 或 3.13 (64 位); 未找到。可用 PYTHON=/path/to/python3 指定。" >&2
    exit 2
fi
TAG=$("$PY" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
LOCK="$KIT/wheels/requirements-$TAG.txt"
if [ ! -f "$LOCK" ]; then
    echo "casegraph 安装: 本安装包没有 $PY ($TAG) 的 wheel; 它带有: @PYTHONS@" >&2
    exit 2
fi
echo "== 1/4 虚拟环境: $VENV ($PY)"
"$PY" -m venv "$VENV"
echo "== 2/4 安装 wheel (不联网, 逐个核对 SHA-256)"
PIP_CONFIG_FILE=/dev/null "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-index \
    --find-links "$KIT/wheels" --require-hashes -r "$LOCK"
echo "== 3/4 本地 Neo4j (预先构建, 不需要 Maven)"
"$VENV/bin/python" -m casegraph.kit.install "$KIT/neo4j"
echo "== 4/4 检查: casegraph demo"
"$VENV/bin/casegraph" demo --out "$VENV/demo"
if command -v java >/dev/null 2>&1 || [ -n "${JAVA_HOME:-}" ]; then
    echo "Java: $(java -version 2>&1 | head -n 1)  (Neo4j 引擎需要 Java 17+)"
else
    echo "未找到 Java: Neo4j 引擎需要 Java 17+; 内置引擎 (casegraph analyze、explore) 无需 Java。"
fi
echo "安装完毕。运行: $VENV/bin/casegraph -h"
"""

_PS1 = r"""# casegraph @VERSION@ 离线安装 (Windows amd64): 虚拟环境、本包的 wheel、本包的 Neo4j、再运行 casegraph demo 检查。
# 用法: powershell -ExecutionPolicy Bypass -File install.ps1 [-Venv 安装目录] [-Python python.exe 的路径]
#       (或双击 install.bat)。默认安装目录 %LOCALAPPDATA%\casegraph\venv (只有本用户可读)。
# 退出码: 0 安装并检查完毕; 1 某一步失败 (见上面的输出); 2 没有合适的 Python (@PYTHONS@)
param([string]$Venv = (Join-Path $env:LOCALAPPDATA 'casegraph\venv'), [string]$Python = '')
$ErrorActionPreference = 'Stop'
$Kit = Split-Path -Parent $MyInvocation.MyCommand.Path
$ok = 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)'

function Invoke-Step([string]$What, [string]$Exe, [string[]]$Arguments) {
    Write-Host "== $What"
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { Write-Host "casegraph 安装: 失败于: $What (退出码 $LASTEXITCODE)"; exit 1 }
}

$candidates = @(@('py', '-3.13'), @('py', '-3.12'), @('py', '-3.11'), @('python'))
if ($Python) { $candidates = @(, @($Python)) }
$py = $null
foreach ($c in $candidates) {
    if (-not (Get-Command $c[0] -ErrorAction SilentlyContinue)) { continue }
    $rest = @($c | Select-Object -Skip 1)
    & $c[0] @rest -c $ok 2>$null
    if ($LASTEXITCODE -eq 0) { $py = $c; break }
}
if (-not $py) { Write-Host 'casegraph 安装: 需要 Python 3.11、3.12 或 3.13 (64 位); 未找到。可用 -Python 指定。'; exit 2 }
$rest = @($py | Select-Object -Skip 1)
$tag = (& $py[0] @rest -c "import sys; print('cp%d%d' % sys.version_info[:2])").Trim()
$lock = Join-Path $Kit "wheels\requirements-$tag.txt"
if (-not (Test-Path $lock)) { Write-Host "casegraph 安装: 本安装包没有 $tag 的 wheel; 它带有: @PYTHONS@"; exit 2 }

Invoke-Step "1/4 虚拟环境: $Venv" $py[0] ($rest + @('-m', 'venv', $Venv))
$vpy = Join-Path $Venv 'Scripts\python.exe'
$env:PIP_CONFIG_FILE = 'NUL'
Invoke-Step '2/4 安装 wheel (不联网, 逐个核对 SHA-256)' $vpy @('-m', 'pip', 'install', '--quiet',
    '--disable-pip-version-check', '--no-index', '--find-links', (Join-Path $Kit 'wheels'), '--require-hashes', '-r', $lock)
Invoke-Step '3/4 本地 Neo4j (预先构建, 不需要 Maven)' $vpy @('-m', 'casegraph.kit.install', (Join-Path $Kit 'neo4j'))
Invoke-Step '4/4 检查: casegraph demo' (Join-Path $Venv 'Scripts\casegraph.exe') @('demo', '--out', (Join-Path $Venv 'demo'))
if ((Get-Command java -ErrorAction SilentlyContinue) -or $env:JAVA_HOME) {
    Write-Host 'Java 已找到 (Neo4j 引擎需要 Java 17+)'
} else {
    Write-Host '未找到 Java: Neo4j 引擎需要 Java 17+; 内置引擎 (casegraph analyze、explore) 无需 Java。'
}
Write-Host "安装完毕。运行: $(Join-Path $Venv 'Scripts\casegraph.exe') -h"
exit 0
"""

_BAT = r"""@echo off
rem casegraph offline install (Windows amd64): runs install.ps1 beside this file.
rem Usage: install.bat [-Venv FOLDER] [-Python C:\path\to\python.exe]
rem Exit codes: 0 installed and checked, 1 a step failed, 2 no suitable Python.
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*
set CODE=%ERRORLEVEL%
if "%CASEGRAPH_NO_PAUSE%"=="" pause
exit /b %CODE%
"""


def _fill(template: str, version: str, pythons) -> str:
    return template.replace("@VERSION@", version).replace("@PYTHONS@", ", ".join(pythons))


def install_sh(version: str, pythons) -> str:
    """``install.sh`` for the Linux kit (write it with LF line ends)."""
    return _fill(_SH, version, pythons)


def install_ps1(version: str, pythons) -> str:
    """``install.ps1`` for the Windows kit, with CRLF (write it UTF-8 with a BOM)."""
    return _fill(_PS1, version, pythons).replace("\n", "\r\n")


def install_bat() -> str:
    """``install.bat``: ASCII with CRLF."""
    return _BAT.replace("\n", "\r\n")


def write_scripts(folder, platform: str, version: str, pythons) -> list[str]:
    """Write the platform's install scripts into ``folder``; their names."""
    from pathlib import Path

    folder = Path(folder)
    if platform == "windows":
        (folder / "install.ps1").write_bytes(b"\xef\xbb\xbf" + install_ps1(version, pythons).encode("utf-8"))
        (folder / "install.bat").write_bytes(install_bat().encode("ascii"))
        return ["install.bat", "install.ps1"]
    path = folder / "install.sh"
    path.write_bytes(install_sh(version, pythons).encode("utf-8"))
    path.chmod(0o755)
    return ["install.sh"]
