"""``安装说明.txt``: the kit's steps in Chinese for a court's IT staff.

UTF-8 with a BOM and CRLF line ends: Notepad on an older Windows reads a
file without a BOM in the ANSI code page, and Chinese would come out garbled.
Two copies: one inside the kit (its contents and sizes), and one beside the
zip that adds the zip's size and SHA-256, to check the copy that arrives on
the court's network (a file inside a zip cannot hold the zip's own hash).

>>> text = guide({"casegraph": "0.1.0", "platform": "windows", "pythons": ["3.11"], "neo4j": {"version": "5.26.30"},
...               "not_supported": {}, "missing": {}, "sizes": {"wheels": 3 << 20, "neo4j": 5 << 20, "total": 8 << 20},
...               "requires_glibc": None}, zip_name="k.zip", zip_size=7 << 20, zip_sha256="ab" * 32)
>>> "certutil -hashfile k.zip SHA256" in text and "7.0 MB" in text and "abab" in text
True
"""
from __future__ import annotations


def mb(n: int) -> str:
    """A size in MB (2**20 bytes), one decimal.

    >>> mb(5 << 20), mb(1536 * 1024)
    ('5.0 MB', '1.5 MB')
    """
    return f"{n / (1 << 20):.1f} MB"


def guide(info: dict, zip_name: str | None = None, zip_size: int | None = None, zip_sha256: str | None = None) -> str:
    """The text of 安装说明.txt for a kit described by ``info`` (the
    manifest's head); with the zip's name, size and hash for the copy beside it."""
    windows = info["platform"] == "windows"
    pythons = "、".join(info["pythons"])
    sizes = info["sizes"]
    lines = [
        f"casegraph {info['casegraph']} 离线安装包（{'Windows 64 位' if windows else 'Linux x86_64'}）安装说明",
        "=" * 40,
        "",
        "本安装包用于不能连接互联网的机器（如法院专网）：安装时不联网，不需要 Maven。",
        "",
        "一、内容",
        f"  wheels/        casegraph 及其全部依赖的 wheel，适用于 CPython {pythons}（{mb(sizes['wheels'])}）",
        "                 requirements-cp3XX.txt：每个 Python 版本的清单，逐个文件带 SHA-256",
        f"  neo4j/         已构建好的本地 Neo4j {info['neo4j']['version']} Community（{mb(sizes['neo4j'])}）及其许可文件"
        "（licenses/，GPL v3）",
        "  docs/          使用说明.md（书记员、分析人员、信息技术人员的使用说明）及截图",
        "  manifest.json  每个文件的路径、版本、大小和 SHA-256",
        f"  {'install.bat / install.ps1' if windows else 'install.sh'}    安装脚本",
        f"  解压后共 {mb(sizes['total'])}。",
        "",
    ]
    if zip_name is not None:
        lines += [
            "二、核对压缩包（拷贝到专网之后、解压之前）",
            f"  文件：{zip_name}",
            f"  大小：{zip_size:,} 字节（{mb(zip_size)}）",
            f"  SHA-256：{zip_sha256}",
            f"  Windows：certutil -hashfile {zip_name} SHA256   或 PowerShell：Get-FileHash {zip_name}",
            f"  Linux：  sha256sum {zip_name}",
            "  结果必须与上面的 SHA-256 完全一致，否则不要使用。",
            "",
        ]
    else:
        lines += ["二、核对压缩包", "  压缩包的大小和 SHA-256 写在压缩包旁边的安装说明里（压缩包里的文件无法包含压缩包自身的校验值）。", ""]
    lines += ["三、机器要求"]
    if windows:
        lines += ["  Windows 10 / 11 或 Windows Server 2016 以上，64 位。"]
    else:
        glibc = info.get("requires_glibc")
        lines += [f"  Linux x86_64，glibc {glibc} 以上（如 统信 UOS 20、麒麟 V10、CentOS/RHEL 8 以上、Debian 10 以上、"
                  "Ubuntu 20.04 以上）。" if glibc else "  Linux x86_64。"]
    lines += [
        f"  CPython {pythons}（64 位），须带 venv 模块"
        + ("（python.org 的安装程序自带；安装时勾选 py launcher）。" if windows else "（Debian/Ubuntu：python3-venv）。"),
        "  Java 17 或 21：只有 Neo4j 引擎（casegraph neo4j start、load、flag、--backend neo4j）需要；"
        "内置引擎（analyze、explore、check、demo）不需要 Java。",
        "",
        "四、安装步骤",
    ]
    if windows:
        lines += [
            "  1. 把压缩包解压到本机（例如 D:\\casegraph-kit）。",
            "  2. 双击 install.bat；或在 PowerShell 中运行：",
            "       powershell -ExecutionPolicy Bypass -File install.ps1 [-Venv 安装目录] [-Python python.exe 的路径]",
            "     默认安装到 %LOCALAPPDATA%\\casegraph\\venv（在用户目录内，只有本用户、SYSTEM 和管理员可以读取）。",
            "  3. 脚本依次：建立虚拟环境；不联网安装 wheel 并逐个核对 SHA-256；把 Neo4j 放入",
            "     %LOCALAPPDATA%\\casegraph；运行 casegraph demo 检查（约半分钟，生成 2000 件样例案件并分析）。",
            "  4. 以后运行：%LOCALAPPDATA%\\casegraph\\venv\\Scripts\\casegraph.exe（可把 Scripts 目录加入 PATH）。",
        ]
    else:
        lines += [
            "  1. 解压：unzip casegraph-*-kit-linux.zip",
            "  2. 运行：sh install.sh [安装目录]          （默认 ~/casegraph；PYTHON=python3.12 sh install.sh 指定 Python）",
            "  3. 脚本依次：建立虚拟环境；不联网安装 wheel 并逐个核对 SHA-256；把 Neo4j 放入 ~/.cache/casegraph",
            "     （或 CASEGRAPH_CACHE）；运行 casegraph demo 检查（约半分钟，生成 2000 件样例案件并分析）。",
            "  4. 以后运行：~/casegraph/bin/casegraph（可把 ~/casegraph/bin 加入 PATH）。",
        ]
    lines += [
        "  安装脚本的退出码：0 安装并检查完毕；1 某一步失败（看上面的输出）；2 没有合适的 Python。",
        "",
        "五、安装之后",
        "  casegraph neo4j start   启动本地 Neo4j：直接使用本包的 jar，不需要 Maven，不联网；只监听 127.0.0.1。",
        "                          没有 Java 17+ 时只输出一行说明，退出码 6；内置引擎照常可用。",
        "  使用方法、结果文件的含义、退出码及处理办法：见 docs/使用说明.md。",
        "",
        "六、数据安全",
        "  casegraph 写出的结果含当事人信息。Linux 上文件只有所有者可读（文件 0600，目录 0700）。",
        "  Windows 没有这种权限位：请把结果目录放在用户目录内（如 文档、%LOCALAPPDATA%），或用",
        "    icacls 结果目录 /inheritance:r /grant:r \"%USERNAME%:(OI)(CI)F\"",
        "  把一个共享目录限制为只有本用户可读。",
        "",
    ]
    from casegraph.kit.targets import NOT_SUPPORTED_ZH

    unsupported = {p: NOT_SUPPORTED_ZH.get(p, why) for p, why in (info.get("not_supported") or {}).items()}
    missing = info.get("missing") or {}
    if unsupported or missing:
        lines += ["七、本包不包含"]
        for python, why in unsupported.items():
            lines.append(f"  Python {python}：{why}")
        for python, reasons in missing.items():
            for reason in reasons:
                lines.append(f"  Python {python}：没有可用的 wheel：{reason}")
        lines.append("")
    return "\r\n".join(lines) + "\r\n"


def write_guide(path, text: str) -> None:
    """Write 安装说明.txt as Notepad reads it everywhere (UTF-8 with BOM)."""
    from pathlib import Path

    Path(path).write_bytes(text.encode("utf-8-sig"))
