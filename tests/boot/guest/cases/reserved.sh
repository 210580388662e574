# reserved.sh - where the image is, and how the kernel's memory map (from
# the memdisk's E820) reserves it: memboot's memdiskfind, and the top-level
# ranges of /proc/iomem (the host checks that whole pages are reserved).
capture ours memdiskfind
emit iomem "$(grep -v '^ ' /proc/iomem | tr '\n' ';')"
:
