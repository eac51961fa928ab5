"""The directory as a service of the kernel: its event store and relay (no API of its own;
each service answers directory questions from its replica)."""

from ..service import ServiceSpec
from .application import DirectoryApp
from .contract import CONTRACT

SPEC = ServiceSpec(title="组织与党员名录", application=DirectoryApp, contract=CONTRACT, replicate_directory=False)
