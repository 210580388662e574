/*
 * payload.S - the initramfs segment memdisk.efi appends to an ISO's initrds
 * (build/inject.cpio.gz, made by tools/payload/mkcpio and gzip: memdisk-attach
 * and the hooks), embedded so that memdisk.efi stays one file to deploy.
 */
	.section .rdata,"dr"
	.balign 16
	.globl payload_start
	.globl payload_end
payload_start:
	.incbin PAYLOAD_FILE
payload_end:
