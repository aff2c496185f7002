"""What a kit is built for: the platforms and Python versions, as pip and
the wheels' environment markers name them.

A court's PCs run Windows (amd64); its servers often Linux (x86_64). pip
downloads for another machine with ``--platform``/``--python-version``, but
it evaluates the dependencies' markers (``colorama; sys_platform ==
"win32"``) against the machine it runs on; :data:`PLATFORMS` carries the
target's own marker values so that :mod:`casegraph.kit.wheels` can ask the
wheels themselves what the target needs.

>>> PLATFORMS["windows"].markers("3.12")["sys_platform"], PLATFORMS["linux"].pip_platforms[0]
('win32', 'manylinux2014_x86_64')
>>> sorted(NOT_SUPPORTED)
['3.10']
"""
from __future__ import annotations

from dataclasses import dataclass

# CPython versions a kit carries wheels for by default.
PYTHONS = ("3.11", "3.12", "3.13")

# Asked for, but not in a kit, and why (the kit's manifest and 安装说明 say it).
NOT_SUPPORTED = {
    "3.10": "casegraph needs Python 3.11+ (pyproject requires-python): it is built and tested on pandas 3, "
            "whose wheels exist for Python 3.11+ only (for 3.10 pip finds pandas 2.3 at most)",
}
NOT_SUPPORTED_ZH = {
    "3.10": "casegraph 需要 Python 3.11 以上：它基于 pandas 3 构建和测试，而 pandas 3 只有 Python 3.11 以上的 wheel"
            "（Python 3.10 最高只能装 pandas 2.3）",
}


@dataclass(frozen=True)
class Platform:
    """One target: pip's platform tags (newest last) and the marker values."""

    name: str
    pip_platforms: tuple[str, ...]
    os_name: str
    sys_platform: str
    platform_system: str
    platform_machine: str
    script: str  # the install script a person runs there

    def markers(self, python: str) -> dict[str, str]:
        """PEP 508 marker values of CPython ``python`` on this platform."""
        return {
            "os_name": self.os_name,
            "sys_platform": self.sys_platform,
            "platform_system": self.platform_system,
            "platform_machine": self.platform_machine,
            "platform_release": "",
            "platform_version": "",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "implementation_version": f"{python}.0",
            "python_version": python,
            "python_full_version": f"{python}.0",
            "extra": "",
        }


PLATFORMS = {
    # manylinux2014 (glibc 2.17) up to manylinux_2_28: pyarrow's wheels need 2.28.
    "linux": Platform("linux", ("manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_24_x86_64",
                                "manylinux_2_27_x86_64", "manylinux_2_28_x86_64"),
                      "posix", "linux", "Linux", "x86_64", "install.sh"),
    "windows": Platform("windows", ("win_amd64",), "nt", "win32", "Windows", "AMD64", "install.bat"),
}


def current_platform() -> str:
    """The kit for this machine: ``windows`` on Windows, else ``linux``."""
    from casegraph import system

    return "windows" if system.windows() else "linux"
