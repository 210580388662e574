/**
 * @file guids.c
 *
 * The GUIDs memdisk.efi uses, defined once (values in efi.h, from the UEFI
 * specification, and shim's lock protocol).
 */
#include "efi.h"

const efi_guid loaded_image_guid = EFI_LOADED_IMAGE_GUID;
const efi_guid device_path_guid = EFI_DEVICE_PATH_GUID;
const efi_guid file_info_guid = EFI_FILE_INFO_GUID;
const efi_guid simple_fs_guid = EFI_SIMPLE_FS_GUID;
const efi_guid block_io_guid = EFI_BLOCK_IO_GUID;
const efi_guid disk_io_guid = EFI_DISK_IO_GUID;
const efi_guid ram_disk_guid = EFI_RAM_DISK_GUID;
const efi_guid acpi_table_guid = EFI_ACPI_TABLE_PROTOCOL_GUID;
const efi_guid acpi_sdt_guid = EFI_ACPI_SDT_PROTOCOL_GUID;
const efi_guid acpi20_table_guid = EFI_ACPI_20_TABLE_GUID;
const efi_guid virtual_disk_guid = EFI_VIRTUAL_DISK_GUID;
const efi_guid virtual_cd_guid = EFI_VIRTUAL_CD_GUID;
const efi_guid shim_lock_guid = SHIM_LOCK_GUID;
