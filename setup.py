"""Package data from the top level: the installed casegraph carries ``cypher/``
and the Maven project ``neo4j/`` (without its build output) in ``casegraph/_data``."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithData(build_py):
    def run(self):
        super().run()
        data = Path(self.build_lib) / "casegraph" / "_data"
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(HERE / "cypher", data / "cypher")
        (data / "neo4j").mkdir(parents=True)
        shutil.copy2(HERE / "neo4j" / "pom.xml", data / "neo4j" / "pom.xml")
        shutil.copytree(HERE / "neo4j" / "src", data / "neo4j" / "src")


setup(cmdclass={"build_py": BuildWithData})
