package io.clickstream.launcher;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold a secret (the demo's Redis password, and the URL carrying it): readable by their
 * owner only from the moment they exist, never chmod-ed after the write. Where the file system has
 * no POSIX permissions (Windows) they are written as any other file.
 */
final class PrivateFiles {

  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");

  private PrivateFiles() {}

  static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /**
   * Replaces {@code file} with {@code text} atomically, so that a reader never sees half of it: a
   * temporary file made mode 0600 as it is created, in the same folder, then moved over. The folder
   * is created mode 0700 when missing.
   */
  static void write(Path file, String text) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    createFolder(folder);
    Path tmp =
        posix()
            ? Files.createTempFile(
                folder,
                "." + file.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))
            : Files.createTempFile(folder, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Creates the folder and any missing parent, those it creates mode 0700. */
  static void createFolder(Path folder) throws IOException {
    if (Files.isDirectory(folder)) {
      return;
    }
    if (folder.getParent() != null) {
      createFolder(folder.getParent());
    }
    FileAttribute<?>[] attributes =
        posix()
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR)}
            : new FileAttribute<?>[0];
    try {
      Files.createDirectory(folder, attributes);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // made meanwhile by someone else: fine as it is
    }
  }

  /** Whether others than the owner may read or write the file (false where there are no modes). */
  static boolean openToOthers(Path file) throws IOException {
    if (!posix()) {
      return false;
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    return permissions.stream()
        .anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"));
  }
}
