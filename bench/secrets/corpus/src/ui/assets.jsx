import React from 'react';

const logo = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mii7eHiSSnQEFKTWPxCYK4M5q2I0lr7d6ABy1c6PojCJkJEXBx5DxyauI9j8l13GlBZv+PAniZ7whZ3wWrLh+H9v553PbYqBaRIsgUECIinm73NmAE5X6ywqj';
const spinner = 'data:image/gif;base64,R0lGODlhEAAQAPIAAP///wAAAMLCwkJCQgAAAGJiYoKCgpKSkiH/C05FVFNDQVBFMi4wAwEAAAAhShUzZegRtfSfBwHK6KZrsRz2l0MqeWmYJEq4Ij5eKQo8dMMky1sxLOcyGmIcAtLi5ynbbMU9b5GUlFx3BY9BrMB64yRnlV/5bREARWCr5Uic0xJzqDwVZhYGF5OuLKMavGZk43KLBo7lLbxlHcBAD2KyH00q7rsLC9Y5ozk7hA/i0uJYjsWkJ/Zj57NYb9YbvFWxs6ul';
const iconSvg = 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAyNCAyNCI+uZIAtEc8KrQ/BzdbBZA4u6NO4jfSiFjMInCPxYyUI2Cyj0lNzIliNgY1gOlGW3pB0Qv7VN/TNea09hS6';
const fontData = 'data:font/woff2;base64,d09GMgABAAAAA32V6wiKiW4tAlPon4yC3bIAi3SBsZRQ8drP8UpnvjNQSns6D2qFC63vfkQVtene/VdEucof/o62duc5RPgKZCg/VxOONzMuM7AvpnMK3/9+khtDvk1GsRMmkKalmsyR1KY9ZVODML2XbHyKNRAZhqoiJQpRpD4wn';
export const jqueryCdn = { src: 'https://code.jquery.com/jquery-3.7.1.min.js', integrity: 'sha256-ZGhiV3FtRExJNEFQekVzNHQzNnBWYlF1R1o2d1VUUHc=', crossOrigin: 'anonymous' };
const bootstrapIntegrity = 'sha384-REJVaERwVmRIZUhHR2FGRHNZRDd4YWFMTHE0SGd3NW1YdkVkcXJCSnUyc1NFYlBv';
const scriptIntegrity = 'sha512-ekticm5xbWsxVTlTSHY1SDlWSU1FUjhvS3RaMVQwU05Ec3ZGRG9Ib1p5RUFuc0lQZm5QS2V4N2ZLWUh6V3BsRw==';
export function LoginForm() {
  return (
    <form>
      <input type="password" name="password" placeholder="Password" autoComplete="current-password" />
      <input name="apiKey" placeholder="sk_live_..." />
    </form>
  );
}
const avatarKey = '8b3a3017ba4a6fc43f86183e47ce4740fbe8ecab';
const buildHash = 'f580f07febacca22ba75';
const contentHash = 'f886d82abdee3742063dc7a6e33a2e1cae84a261e7112efde14604524f8c2be7';
