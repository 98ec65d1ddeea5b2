import bcrypt from 'bcrypt';
import { PasswordHasher, passwordMeetsComplexity } from '../../internal/crypto/passwords';
import { defaultConfig } from '../../internal/config/config';

describe('password complexity (Fleet rule: 7+ bytes, a number, a punctuation or symbol)', () => {
  it.each([
    ['p4ssw0rd!', true],
    ['ab1!xyz', true],
    ['ab1!xy', false],
    ['password!', false],
    ['passw0rd', false],
    ['çé1€', true], // 7+ bytes in UTF-8 though 4 characters
    ['١٢٣abc?', true], // any Unicode number counts
  ])('%j → %s', (pw, ok) => {
    expect(passwordMeetsComplexity(pw)).toBe(ok);
  });
});

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ cost: 4, saltBytes: 24 });

  it('verifies the right password and refuses a wrong one', async () => {
    const { password_hash, salt } = await hasher.hash('p4ssw0rd!');
    expect(await hasher.verify('p4ssw0rd!', password_hash, salt)).toBe(true);
    expect(await hasher.verify('p4ssw0rd?', password_hash, salt)).toBe(false);
  });

  it('uses a fresh salt for every password', async () => {
    const a = await hasher.hash('p4ssw0rd!');
    const b = await hasher.hash('p4ssw0rd!');
    expect(a.salt).not.toBe(b.salt);
    expect(Buffer.from(a.salt, 'base64')).toHaveLength(24);
  });

  it('tells apart long passwords that differ only after bcrypt’s 72-byte limit', async () => {
    const long = 'x1!'.repeat(30);
    const { password_hash, salt } = await hasher.hash(long + 'A');
    expect(await hasher.verify(long + 'B', password_hash, salt)).toBe(false);
    expect(await hasher.verify(long + 'A', password_hash, salt)).toBe(true);
  });

  it('hashes at bcrypt cost 12 with the default configuration', async () => {
    const c = defaultConfig();
    const prod = new PasswordHasher({ cost: c.auth.bcrypt_cost, saltBytes: c.auth.salt_key_size });
    const { password_hash } = await prod.hash('p4ssw0rd!');
    expect(bcrypt.getRounds(password_hash)).toBe(12);
  });

  it('never verifies against an empty hash', async () => {
    expect(await hasher.verify('', '', '')).toBe(false);
  });
});
