"""The directory 组织与党员名录: orgs and members as master data (docs/ARCHITECTURE.md "The directory").

Imported from the organisation department's system; each change is an event on
``cxzy.directory.>``; every service keeps a replica (:mod:`.replica`) so history keeps the
affiliation at the time of each event (H5).
"""
