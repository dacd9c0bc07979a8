import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

/**
 * The only font files Typst may use, all from npm packages (DESIGN.md "PDF"): Noto Sans for Latin and
 * Cyrillic, Vazirmatn for Arabic and Persian, regular and bold.
 */
export function fontFiles(): string[] {
  return [
    packageFile('@expo-google-fonts/noto-sans', '400Regular/NotoSans_400Regular.ttf'),
    packageFile('@expo-google-fonts/noto-sans', '700Bold/NotoSans_700Bold.ttf'),
    packageFile('vazirmatn', 'fonts/ttf/Vazirmatn-Regular.ttf'),
    packageFile('vazirmatn', 'fonts/ttf/Vazirmatn-Bold.ttf'),
  ];
}
